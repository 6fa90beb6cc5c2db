/** How much of a file is sniffed for a NUL byte, as git and grep do. */
export const BINARY_SNIFF_BYTES = 8192;

/** True when the file's first 8 KiB contain a NUL byte: treated as binary and not scanned. */
export function looksBinary(content: Uint8Array): boolean {
  return content.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}
