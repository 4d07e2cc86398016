import { FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/client';
import { ErrorNote } from '../../components/ErrorNote';

/** UploadForm sends a package file (a docker save tarball) to the package repository. */
export function UploadForm() {
  const api = useApi();
  const queries = useQueryClient();
  const upload = useMutation({
    mutationFn: (form: FormData) => api.uploadPackage(form),
    onSuccess: () => queries.invalidateQueries(),
  });

  function submit(e: FormEvent<HTMLFormElement>): void {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    for (const k of ['name', 'version']) if (!form.get(k)) form.delete(k);
    upload.mutate(form);
  }

  return (
    <section>
      <h2>Upload a package</h2>
      <form className="inline" onSubmit={submit}>
        <label>
          File <input name="file" type="file" required />
        </label>
        <label>
          Name <input name="name" placeholder="from the image" />
        </label>
        <label>
          Version <input name="version" placeholder="from the tag" />
        </label>
        <button type="submit" disabled={upload.isPending}>
          {upload.isPending ? 'Uploading…' : 'Upload'}
        </button>
      </form>
      <ErrorNote error={upload.error} />
      {upload.data && (
        <p role="status">
          Stored {upload.data.name}:{upload.data.version}
          {upload.data.created ? '' : ' (already stored)'}.
        </p>
      )}
    </section>
  );
}
