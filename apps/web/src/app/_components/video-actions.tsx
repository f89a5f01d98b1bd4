"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { deleteVideoAction, retryVideoAction, type ActionResult } from "../actions";

/** Retry and delete buttons for one video; the page re-renders from the gateway afterwards. */
export function VideoActions({ id, title, retry }: { id: string; title: string; retry: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);

  const perform = (action: () => Promise<ActionResult<unknown>>) =>
    startTransition(async () => {
      setError(null);
      const result = await action();
      if (result.ok) router.refresh();
      else setError(`${result.error.code}: ${result.error.message}`);
    });

  return (
    <div>
      <div className="actions">
        {retry && (
          <button type="button" disabled={pending} onClick={() => perform(() => retryVideoAction(id))}>
            Retry
          </button>
        )}
        <button
          type="button"
          disabled={pending}
          onClick={() => {
            if (window.confirm(`Delete "${title}" and its files?`)) perform(() => deleteVideoAction(id));
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
