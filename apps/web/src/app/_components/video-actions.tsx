"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteVideoAction, retryVideoAction, type ActionResult } from "../actions";

/** Retry (only where it can help) and Delete for one video; Delete goes back to the library. */
export function VideoActions({ id, title, retry }: { id: string; title: string; retry: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);

  const perform = (action: () => Promise<ActionResult<unknown>>, then: () => void) =>
    startTransition(async () => {
      setError(null);
      const result = await action();
      if (result.ok) then();
      else setError(result.error.message);
    });

  return (
    <div>
      <div className="actions">
        {retry && (
          <button type="button" className="primary" disabled={pending} onClick={() => perform(() => retryVideoAction(id), router.refresh)}>
            Retry
          </button>
        )}
        <button
          type="button"
          className="danger"
          disabled={pending}
          aria-label={`Delete ${title}`}
          onClick={() => {
            if (window.confirm(`Delete "${title}" and its files?`))
              perform(
                () => deleteVideoAction(id),
                () => router.push("/"),
              );
          }}
        >
          Delete
        </button>
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
