/** Byte helpers shared by the proxy, the store and PII redaction. */

/** Byte arrays joined into one, for the few places that need a body in one piece. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * Drops a UTF-8 sequence cut off at the end, so that a body cut at the cap decodes without a
 * replacement character and stays within the cap once decoded and re-encoded.
 */
export function withoutCutCharacter(bytes: Uint8Array): Uint8Array {
  let lead = bytes.length - 1;
  // At most three continuation bytes (10xxxxxx) follow a lead byte.
  while (lead >= 0 && bytes.length - lead <= 3 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  if (lead < 0) return bytes;
  const b = bytes[lead]!;
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return bytes.length - lead < need ? bytes.subarray(0, lead) : bytes;
}
