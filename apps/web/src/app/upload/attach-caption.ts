import { addCaptionAction, completeCaptionAction } from "../actions";
import { putFile } from "./put-file";

/**
 * Adds a caption track: addCaption (a presigned PUT), the file PUT straight to storage, then
 * completeCaptionUpload, which checks the file and lists the track in the master (or, before the
 * video is READY, keeps it on the server until then). Resolves with the reason in plain words
 * when a step fails.
 */
export async function attachCaption(
  videoId: string,
  caption: { language: string; label: string; file: File },
): Promise<{ ok: true } | { ok: false; message: string }> {
  const target = await addCaptionAction(videoId, caption.language, caption.file.size);
  if (!target.ok) return { ok: false, message: target.error.message };
  try {
    await putFile(target.value, caption.file, () => {}, new AbortController().signal);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const completed = await completeCaptionAction(videoId, caption.language, caption.label);
  return completed.ok ? { ok: true } : { ok: false, message: completed.error.message };
}
