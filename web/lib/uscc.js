/*
 * uscc.js - unified social credit codes (统一社会信用代码) as people type and
 * paste them. A business licence prints the code in groups
 * ("9132 0500 MA1N 2L8E 6H") or with a hyphen after the organisation code
 * ("91320500-MA1N2L8E6H"), and Chinese input methods give full-width
 * characters and spaces; the server wants the 18 characters alone. Whether
 * the code is valid (GB 32100-2015) stays the server's call (GET /uscc/{code}).
 */

export const USCC_LENGTH = 18;

// Hyphens and dashes a licence or a word processor may put between the groups.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212\ufe58\ufe63]/g;

/* The code without spaces (also full-width ones) or hyphens, full-width letters and digits made ASCII, upper case. */
export function compactUscc(text) {
  return String(text ?? '').normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
}

/*
 * The caret position in compactUscc(text) that corresponds to position pos in
 * text (so typing in the middle of a grouped code keeps the caret in place).
 */
export function compactCaret(text, pos) {
  return compactUscc(String(text ?? '').slice(0, pos)).length;
}

/*
 * Several codes in one field, as the market's invitation form takes them:
 * separated by commas, semicolons, 、 or line breaks (ASCII or full-width), or
 * by spaces when every space-separated part is a whole code. Each is compacted;
 * empty parts are dropped.
 */
export function usccList(text) {
  const out = [];
  for (const part of String(text ?? '').normalize('NFKC').split(/[,;\u3001\n]+/)) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    if (words.length > 1 && words.every((w) => compactUscc(w).length === USCC_LENGTH)) out.push(...words.map(compactUscc));
    else if (words.length) out.push(compactUscc(part));
  }
  return out.filter(Boolean);
}

/*
 * For a search box that takes a name or a code: the compacted code when the
 * text is one (18 characters of the code's alphabet, the region digits in
 * place), otherwise the text as typed, trimmed, so names keep their spaces.
 */
export function usccOrText(text) {
  const code = compactUscc(text);
  return /^[0-9A-HJ-NP-RTUWXY]{2}\d{6}[0-9A-HJ-NP-RTUWXY]{10}$/.test(code) ? code : String(text ?? '').trim();
}
