/**
 * A strict RFC 4180 reader for the export tests: CRLF records, quoted fields with doubled quotes.
 * An unquoted empty field reads as null and a quoted one (`""`) as "", as the export writes them.
 */
export function parseCsv(text: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let i = 0;
  if (text === "") return records;
  for (;;) {
    let field: string | null;
    if (text[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error(`unterminated quoted field at ${i}`);
        value += text.slice(i, q);
        i = q + 1;
        if (text[i] === '"') {
          value += '"';
          i++;
        } else break;
      }
      field = value;
    } else {
      let end = i;
      while (end < text.length && text[end] !== "," && text[end] !== "\r") {
        if (text[end] === '"' || text[end] === "\n") {
          throw new Error(`bare ${JSON.stringify(text[end])} in an unquoted field at ${end}`);
        }
        end++;
      }
      field = end === i ? null : text.slice(i, end);
      i = end;
    }
    record.push(field);
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text.startsWith("\r\n", i)) {
      records.push(record);
      record = [];
      i += 2;
      if (i === text.length) return records;
      continue;
    }
    throw new Error(
      `expected a comma or CRLF at ${i}, found ${JSON.stringify(text.slice(i, i + 5))}`,
    );
  }
}
