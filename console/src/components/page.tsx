import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

interface PageProps {
  title: string;
  /** Buttons beside the title (create, refresh). */
  actions?: ComponentChildren;
  /** A line under the title. */
  description?: ComponentChildren;
  children: ComponentChildren;
}

/** A page of the console: its heading (the document title follows it) and its content. */
export function Page({ title, actions, description, children }: PageProps) {
  useEffect(() => {
    document.title = `${title} · keyward`;
  }, [title]);
  return (
    <section class="page" aria-labelledby="page-title">
      <header class="page-header">
        <div>
          <h1 id="page-title" tabIndex={-1}>{title}</h1>
          {description !== undefined && <p class="page-description">{description}</p>}
        </div>
        {actions !== undefined && <div class="page-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** A titled block inside a page. */
export function Panel({ title, actions, children, id }: { title: string; actions?: ComponentChildren; children: ComponentChildren; id?: string }) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
  return (
    <section class="panel" aria-labelledby={headingId}>
      <header class="panel-header">
        <h2 id={headingId}>{title}</h2>
        {actions !== undefined && <div class="panel-actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}
