// Frame previews over the timeline (issue 12): filled in by the thumbnails work.
export function installPreview() {}
