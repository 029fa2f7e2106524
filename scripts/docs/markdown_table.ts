/** GitHub-flavoured Markdown tables and code spans, escaped so a `|` in a value cannot split a cell. */

export function cell(text: string): string {
  return text.replaceAll("\n", " ").replaceAll("|", "\\|");
}

export function code(text: string): string {
  return text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}
