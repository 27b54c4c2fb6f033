// An on/off switch (role=switch) for a book's Sync flag. While a change is on its way it stays
// focusable but ignores clicks (aria-disabled), so keyboard focus is not lost mid-change.
export interface SyncSwitchProps {
  checked: boolean;
  label: string;
  pending: boolean;
  disabled: boolean;
  onToggle: (wanted: boolean) => void;
  describedBy?: string;
  /** Which setting it is (`data-switch`), for whoever scripts the page: "sync" or "autocomplete". */
  kind?: string;
}

export function SyncSwitch({ checked, label, pending, disabled, onToggle, describedBy, kind = "sync" }: SyncSwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      data-switch={kind}
      class={`switch${pending ? " is-pending" : ""}`}
      aria-checked={checked ? "true" : "false"}
      aria-label={label}
      aria-describedby={describedBy}
      aria-busy={pending ? "true" : undefined}
      aria-disabled={pending ? "true" : undefined}
      disabled={disabled}
      onClick={() => {
        if (!pending) onToggle(!checked);
      }}
    >
      <span class="switch-track" aria-hidden="true">
        <span class="switch-thumb" />
      </span>
    </button>
  );
}
