/** Limits of the text the templates take from callers, so normal use stays far below EMAIL_MAX_BYTES. */
export const LIMITS = { subject: 200, title: 200, content: 10_000, url: 2048 } as const;

// C0/C1 controls, DEL and the Unicode line and paragraph separators: any of them could end a header line.
const CONTROL = /[\p{Cc}\u2028\u2029]+/gu;

/** Cuts `text` to at most `max` characters (code points), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/**
 * Text for a header (subject, names): control characters become spaces, runs of spaces one, trimmed and
 * capped. A CR or LF in a header would start a new header line (header injection); none survives this.
 */
export function headerText(text: string, max: number = LIMITS.subject): string {
  return truncate(text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim(), max).trim();
}

/** Body text: line breaks normalised to \n, other control characters (but tab) dropped, capped. */
export function bodyText(text: string, max: number = LIMITS.content): string {
  const lines = text.replace(/\r\n?/g, '\n');
  return truncate(lines.replace(/[^\P{Cc}\n\t]/gu, ''), max).trim();
}
