// An add-on process that can die at a chosen point, for crash tests: everything the add-on uses to
// reach the outside world (Thunderbird's address books and storage, the network) goes through a
// `Life`, which counts "points" — the moment before each call and the moment its answer arrives —
// and, at the chosen point, kills the process. From then on every call of that process fails
// without reaching Thunderbird, storage or BlueMind, its event listeners hear nothing, and its
// log lines are dropped: what a killed Thunderbird extension leaves behind is exactly what it had
// done before, and a call that reached the other side before the answer was lost (a request
// BlueMind applied, a contact Thunderbird wrote) stays done, as it would.
//
// A new process (a restarted add-on) gets a new Life on the same Thunderbird and storage.
import type { AddressBooksApi, KeyValueStore, NotificationsApi } from "../../src/thunderbird/types.ts";

export class ProcessCrashed extends Error {
  constructor() {
    super("the add-on process crashed");
    this.name = "ProcessCrashed";
  }
}

export class Life {
  private count = 0;
  private dead = false;
  /** The point at which the process dies; Infinity: it does not. */
  crashAt = Infinity;
  /** Something that happens to the process at a point (a sign-out cancelling its sync), once. */
  private trigger: { at: number; run: () => void } | null = null;

  /** Runs `run` when the process reaches point `at` (if it does); replaces an earlier one. */
  at(at: number, run: () => void): void {
    this.trigger = { at, run };
  }

  clearTrigger(): void {
    this.trigger = null;
  }

  get isDead(): boolean {
    return this.dead;
  }

  /** Points passed so far (two per completed call). */
  get points(): number {
    return this.count;
  }

  /** Kills the process now (a crash outside any call). */
  kill(): void {
    this.dead = true;
  }

  /** One point: throws once the process is dead, and kills it at `crashAt`. */
  point(): void {
    if (this.dead) throw new ProcessCrashed();
    this.count++;
    if (this.trigger !== null && this.count >= this.trigger.at) {
      const { run } = this.trigger;
      this.trigger = null;
      run();
    }
    if (this.count >= this.crashAt) {
      this.dead = true;
      throw new ProcessCrashed();
    }
  }

  /** Runs one outside call between two points. */
  async call<T>(run: () => Promise<T>): Promise<T> {
    this.point();
    const result = await run();
    this.point();
    return result;
  }
}

/** Thunderbird's address books as seen from a process: calls pass points, events stop at death. */
export function mortalBooks(books: AddressBooksApi, life: Life): AddressBooksApi {
  return new Proxy(books, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (property.startsWith("on")) {
        return (listener: (...args: unknown[]) => unknown) =>
          method.call(target, (...args: unknown[]) => {
            if (!life.isDead) return listener(...args);
            return undefined;
          });
      }
      return (...args: unknown[]) => life.call(() => method.apply(target, args) as Promise<unknown>);
    },
  });
}

export function mortalStore(store: KeyValueStore, life: Life): KeyValueStore {
  return {
    get: (key) => life.call(() => store.get(key)),
    set: (key, value) => life.call(() => store.set(key, value)),
    remove: (key) => life.call(() => store.remove(key)),
  };
}

export function mortalNotifications(notifications: NotificationsApi, life: Life): NotificationsApi {
  return { notify: (message) => (life.isDead ? Promise.resolve() : notifications.notify(message)) };
}

/** The network as seen from a process: a request may reach BlueMind and its answer be lost. */
export function mortalFetch(life: Life, inner: typeof fetch = fetch): typeof fetch {
  return (input, init) => life.call(() => inner(input, init));
}
