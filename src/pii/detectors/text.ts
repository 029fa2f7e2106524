/**
 * Character classes and neighbourhood checks shared by the detectors. They work on UTF-16 code
 * units, like every offset in `Finding`.
 */

/** ASCII digit. Full-width and other Unicode digits are deliberately not digits here. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isAlnum(c: number): boolean {
  return isDigit(c) || isAsciiLetter(c);
}

/** Letters, digits and `_`: the characters that glue an identifier together. */
export function isWordChar(c: number): boolean {
  return isAlnum(c) || c === 95;
}

/** Code unit at `i`, or NaN outside the text (NaN fails every class test above). */
export function at(text: string, i: number): number {
  return i >= 0 && i < text.length ? text.charCodeAt(i) : NaN;
}

/** Digits of `s` as a string (separators dropped). */
export function digitsOf(s: string): string {
  return s.replace(/\D+/g, "");
}

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * True when one of `words` ends within `window` code units before `start`. Used where a bare
 * number is only personal data if the text says so ("Fax: 5403926876", "SSN 123456789").
 */
export function hasContextBefore(
  text: string,
  start: number,
  words: RegExp,
  window = 32,
): boolean {
  return words.test(text.slice(Math.max(0, start - window), start));
}
