// Saves text the server built (a CSV, a payout file, a Markdown timeline) as a file, byte for byte
// (a payout file already starts with its BOM; no re-encoding, so its SHA-256 matches the batch's).
export function saveTextFile(fileName: string, text: string, type = "text/csv;charset=utf-8") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
