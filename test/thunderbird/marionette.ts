/**
 * A minimal Marionette client (the protocol geckodriver speaks to Gecko), over node:net.
 *
 * Wire format: each message is `<byte length>:<JSON>`. The server speaks first with
 * `{"applicationType":"gecko","marionetteProtocol":3}`; a command is `[0, id, "Name", params]`
 * and its response `[1, id, error | null, result]`.
 *
 * Chrome-context scripting (Thunderbird's own windows, privileged JS) needs Thunderbird started
 * with `-remote-allow-system-access`; without it Marionette refuses scripts in parent-process
 * contexts.
 */
import * as net from "node:net";

export type MarionetteContext = "chrome" | "content";

/** The key WebDriver uses for an element reference in JSON. */
export const ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf";

export interface WebElementRef {
  [ELEMENT_KEY]: string;
}

export class MarionetteError extends Error {
  constructor(
    readonly command: string,
    readonly error: string,
    message: string,
    readonly stacktrace?: string,
  ) {
    super(`${command}: ${error}: ${message}`);
    this.name = "MarionetteError";
  }
}

interface Pending {
  command: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface WireError {
  error?: string;
  message?: string;
  stacktrace?: string;
}

export class MarionetteClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private greeting: { resolve(value: unknown): void; reject(error: Error): void } | undefined;
  private closedError: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk) => this.onData(chunk));
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new Error("Marionette connection closed")));
  }

  /** Connect and wait for the server's greeting. */
  static async connect(port: number, host = "127.0.0.1", timeoutMs = 10_000): Promise<MarionetteClient> {
    const socket = net.connect({ port, host });
    const client = new MarionetteClient(socket);
    const greeted = new Promise<unknown>((resolve, reject) => {
      client.greeting = { resolve, reject };
    });
    const timer = setTimeout(() => client.fail(new Error(`no Marionette greeting within ${timeoutMs} ms`)), timeoutMs);
    try {
      await greeted;
    } catch (error) {
      socket.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return client;
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  private fail(error: Error): void {
    if (!this.closedError) this.closedError = error;
    this.greeting?.reject(error);
    this.greeting = undefined;
    for (const pending of this.pending.values()) pending.reject(new Error(`${pending.command}: ${error.message}`));
    this.pending.clear();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(0x3a); // ":"
      if (colon < 0) return;
      const length = Number(this.buffer.toString("ascii", 0, colon));
      if (!Number.isInteger(length)) {
        this.fail(new Error("Marionette: malformed packet header"));
        this.socket.destroy();
        return;
      }
      if (this.buffer.length < colon + 1 + length) return;
      const json = this.buffer.toString("utf8", colon + 1, colon + 1 + length);
      this.buffer = this.buffer.subarray(colon + 1 + length);
      this.onMessage(JSON.parse(json) as unknown);
    }
  }

  private onMessage(message: unknown): void {
    if (this.greeting && !Array.isArray(message)) {
      this.greeting.resolve(message);
      this.greeting = undefined;
      return;
    }
    if (!Array.isArray(message) || message[0] !== 1) return;
    const [, id, error, result] = message as [1, number, WireError | null, unknown];
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (error) pending.reject(new MarionetteError(pending.command, error.error ?? "error", error.message ?? "", error.stacktrace));
    else pending.resolve(result);
  }

  /** Send any Marionette command; resolves with the raw result object. */
  send(command: string, params: object = {}): Promise<unknown> {
    if (this.closedError) return Promise.reject(new Error(`${command}: ${this.closedError.message}`));
    const id = this.nextId++;
    const json = Buffer.from(JSON.stringify([0, id, command, params]), "utf8");
    return new Promise((resolve, reject) => {
      this.pending.set(id, { command, resolve, reject });
      this.socket.write(Buffer.concat([Buffer.from(`${json.length}:`, "ascii"), json]));
    });
  }

  /** Most commands wrap their answer as `{value: …}`. */
  private async value<T>(command: string, params: object = {}): Promise<T> {
    const result = (await this.send(command, params)) as { value: T } | null;
    return (result?.value ?? null) as T;
  }

  /** Waits until Thunderbird's main window has loaded (unless windowless). */
  async newSession(capabilities: object = {}): Promise<{ sessionId: string; capabilities: Record<string, unknown> }> {
    return (await this.send("WebDriver:NewSession", capabilities)) as { sessionId: string; capabilities: Record<string, unknown> };
  }

  async setContext(context: MarionetteContext): Promise<void> {
    await this.send("Marionette:SetContext", { value: context });
  }

  async getContext(): Promise<MarionetteContext> {
    return this.value<MarionetteContext>("Marionette:GetContext");
  }

  /**
   * Run `script` as a function body with `arguments` = args; a returned Promise is awaited.
   * The result must be JSON-serialisable (or an element, returned as a reference).
   */
  async executeScript<T = unknown>(script: string, args: unknown[] = [], options: { sandbox?: string; newSandbox?: boolean } = {}): Promise<T> {
    return this.value<T>("WebDriver:ExecuteScript", { script, args, ...options });
  }

  /** Like executeScript, but the script finishes by calling `arguments[arguments.length - 1](result)`. */
  async executeAsyncScript<T = unknown>(script: string, args: unknown[] = [], options: { sandbox?: string; newSandbox?: boolean } = {}): Promise<T> {
    return this.value<T>("WebDriver:ExecuteAsyncScript", { script, args, ...options });
  }

  async setScriptTimeout(ms: number): Promise<void> {
    await this.send("WebDriver:SetTimeouts", { script: ms });
  }

  async findElement(selector: string, using = "css selector"): Promise<WebElementRef> {
    return this.value<WebElementRef>("WebDriver:FindElement", { using, value: selector });
  }

  async findElements(selector: string, using = "css selector"): Promise<WebElementRef[]> {
    const result = await this.send("WebDriver:FindElements", { using, value: selector });
    // FindElements answers with a bare array.
    return (Array.isArray(result) ? result : ((result as { value?: WebElementRef[] } | null)?.value ?? [])) as WebElementRef[];
  }

  async click(element: WebElementRef): Promise<void> {
    await this.send("WebDriver:ElementClick", { id: element[ELEMENT_KEY] });
  }

  async sendKeys(element: WebElementRef, text: string): Promise<void> {
    await this.send("WebDriver:ElementSendKeys", { id: element[ELEMENT_KEY], text });
  }

  async getElementText(element: WebElementRef): Promise<string> {
    return this.value<string>("WebDriver:GetElementText", { id: element[ELEMENT_KEY] });
  }

  async getElementAttribute(element: WebElementRef, name: string): Promise<string | null> {
    return this.value<string | null>("WebDriver:GetElementAttribute", { id: element[ELEMENT_KEY], name });
  }

  async getWindowHandle(): Promise<string> {
    return this.value<string>("WebDriver:GetWindowHandle");
  }

  /** In chrome context: one handle per top-level window (3-pane, compose, dialogs…). */
  async getWindowHandles(): Promise<string[]> {
    const result = await this.send("WebDriver:GetWindowHandles");
    return (Array.isArray(result) ? result : ((result as { value?: string[] } | null)?.value ?? [])) as string[];
  }

  async switchToWindow(handle: string, focus = true): Promise<void> {
    await this.send("WebDriver:SwitchToWindow", { handle, focus });
  }

  /** In chrome context: the `windowtype` of the current window, e.g. "mail:3pane", "msgcompose". */
  async getWindowType(): Promise<string> {
    return this.value<string>("Marionette:GetWindowType");
  }

  /** PNG of the current window (or of `element`); `full` captures the whole document. */
  async takeScreenshot(options: { element?: WebElementRef; full?: boolean } = {}): Promise<Buffer> {
    const base64 = await this.value<string>("WebDriver:TakeScreenshot", {
      id: options.element?.[ELEMENT_KEY],
      full: options.full ?? false,
      hash: false,
    });
    return Buffer.from(base64, "base64");
  }

  /**
   * Ask Thunderbird to quit (eForceQuit: no "are you sure" prompts). Resolves once Thunderbird
   * acknowledged; the process exits shortly after.
   */
  async quit(flags: string[] = ["eForceQuit"]): Promise<unknown> {
    return this.send("Marionette:Quit", { flags });
  }

  close(): void {
    this.socket.destroy();
  }
}
