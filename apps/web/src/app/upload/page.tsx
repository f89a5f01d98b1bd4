import { UploadForm } from "./upload-form";

export default function UploadPage() {
  return (
    <>
      <h1>Upload a video</h1>
      <p className="muted">The file goes straight to object storage through a presigned URL; this app never holds it.</p>
      <UploadForm />
    </>
  );
}
