/** COPY text escaping: backslash, tab, newline and carriage return (slugs need none, but tables do not promise slugs). */
export function escapeCopy(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : value;
}
