// Reads and writes the user's settings; merges the administrator's policy on every read so a
// policy change takes effect at the next start without migrating anything.
import { deletionLimits, parseUserSettings, type DeletionLimits, resolveSettings, type PendingKeyDeletion, type ResolvedSettings, type UserSettings } from "../shared/settings.ts";
import type { KeyValueStore, ManagedStorageApi } from "../thunderbird/types.ts";

export const SETTINGS_KEY = "settings";

export class SettingsStore {
  constructor(
    private readonly store: KeyValueStore,
    private readonly managed: ManagedStorageApi,
  ) {}

  async load(): Promise<ResolvedSettings> {
    const [managed, user] = await Promise.all([this.managed.read(), this.loadUser()]);
    return resolveSettings(managed, user);
  }

  async save(change: UserSettings): Promise<ResolvedSettings> {
    const user = await this.loadUser();
    await this.store.set(SETTINGS_KEY, { ...user, ...change });
    return this.load();
  }

  /** Extensions the administrator allows to read the status summary (none without a policy). */
  async companionExtensions(): Promise<string[]> {
    return (await this.managed.read()).companionExtensions ?? [];
  }

  /** When a sync's deletions wait for the user (the policy's limits, or the defaults). */
  async deletionLimits(): Promise<DeletionLimits> {
    return deletionLimits(await this.managed.read());
  }

  async pendingKeyDeletion(): Promise<PendingKeyDeletion | null> {
    return (await this.loadUser()).pendingKeyDeletion ?? null;
  }

  private async loadUser(): Promise<UserSettings> {
    return parseUserSettings(await this.store.get(SETTINGS_KEY));
  }
}
