/**
 * Who did an operator action, in words. The server records "local" for a request from this machine
 * without a token, "token" for one with the API token, and the CLI records "cli"; any other value is a
 * name and is shown as it is.
 */
export function whoInWords(by: string): string {
  switch (by) {
    case "local":
      return "from this machine";
    case "cli":
      return "from the command line";
    case "token":
      return "with the API token";
    default:
      return `by ${by}`;
  }
}

/** An event's one-line summary with its "by local" / "from local" turned into words. */
export function withWhoInWords(summary: string, by: unknown): string {
  if (typeof by !== "string" || by === "") return summary;
  const words = whoInWords(by);
  for (const phrase of [`by ${by}`, `from ${by}`]) {
    const at = summary.lastIndexOf(phrase);
    // Only a whole phrase (not "by local-admin" for "by local").
    if (at >= 0 && !/[\w-]/.test(summary.charAt(at + phrase.length)))
      return summary.slice(0, at) + words + summary.slice(at + phrase.length);
  }
  return summary;
}
