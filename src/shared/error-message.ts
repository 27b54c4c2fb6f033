// The one way the add-on turns a caught value into a sentence for the activity log, the options
// page or a book's status: an Error's message, anything else (a rejected string, a number) as text.

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
