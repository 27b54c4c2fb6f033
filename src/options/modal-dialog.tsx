// A modal dialog that behaves the way screen-reader and keyboard users expect: named by its
// title, described by its body, focus moved into it on open (the element marked data-autofocus,
// else the first button) and given back to whatever had it on close; Escape cancels.
import type { ComponentChildren } from "preact";
import { useId, useLayoutEffect, useRef } from "preact/hooks";

export interface ModalDialogProps {
  title: string;
  onCancel: () => void;
  /** The buttons, last one the main action. */
  actions: ComponentChildren;
  children: ComponentChildren;
}

export function ModalDialog({ title, onCancel, actions, children }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return undefined;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // showModal makes the rest of the page inert and keeps Tab inside the dialog.
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
    (dialog.querySelector<HTMLElement>("[data-autofocus]") ?? dialog.querySelector<HTMLElement>("button"))?.focus();
    return () => {
      if (dialog.open && typeof dialog.close === "function") dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        // The browser would close the dialog behind the page's back; the owner unmounts it instead.
        event.preventDefault();
        onCancel();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          onCancel();
        }
      }}
    >
      <h2 id={titleId} class="dialog-title">
        {title}
      </h2>
      <div id={bodyId} class="dialog-body">
        {children}
      </div>
      <div class="dialog-actions">{actions}</div>
    </dialog>
  );
}
