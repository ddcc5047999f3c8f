// Everything the page exports is made here, in memory, and handed over as a download from a Blob
// URL: nothing is sent anywhere.

export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // the download has its own reference by now; a minute is ample for slow disks
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A name for a file made from the capture: "trace.pcap" gives "trace-stream-7.pcap". */
export function exportName(capture: string, what: string, extension: string): string {
  const path = /^https?:\/\//.test(capture) ? new URL(capture).pathname : capture;
  const base = (path.split(/[/\\]/).filter(Boolean).pop() ?? 'capture')
    .replace(/(\.(pcapng|pcap|cap|dmp))?(\.gz)?$/i, '') || 'capture';
  return `${base}-${what}.${extension}`;
}

/** Copies text; false where the page may not write the clipboard. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
