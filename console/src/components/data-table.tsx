import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';

export interface Column<Row> {
  id: string;
  header: string;
  cell: (row: Row) => ComponentChildren;
  /** When given, the header sorts by it. */
  sortValue?: (row: Row) => string | number;
  /** Extra class of the cells (`num` right-aligns). */
  className?: string;
}

interface DataTableProps<Row> {
  /** Names the table for screen readers (a caption, visually hidden). */
  caption: string;
  columns: ReadonlyArray<Column<Row>>;
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** Rows shown at first and added by "Show more" (a long list renders fast). */
  pageSize?: number;
  empty?: ComponentChildren;
}

type Sort = { column: string; descending: boolean } | null;

/**
 * A table that stays readable at 390 px (each row becomes a card whose cells carry their column's
 * name), sorts by a column whose header is a button, and renders `pageSize` rows at a time.
 */
export function DataTable<Row>({ caption, columns, rows, rowKey, pageSize = 100, empty }: DataTableProps<Row>) {
  const [sort, setSort] = useState<Sort>(null);
  const [shown, setShown] = useState(pageSize);
  const sorted = useMemo(() => {
    if (sort === null) return rows;
    const column = columns.find((c) => c.id === sort.column);
    if (column?.sortValue === undefined) return rows;
    const value = column.sortValue;
    const order = sort.descending ? -1 : 1;
    return [...rows].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      return (x < y ? -1 : x > y ? 1 : 0) * order;
    });
  }, [rows, columns, sort]);

  if (rows.length === 0) return <p class="empty">{empty ?? 'Nothing to show.'}</p>;
  const visible = sorted.slice(0, shown);
  return (
    <div class="table-wrap">
      <table class="data-table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const active = sort?.column === column.id;
              const ariaSort = active ? (sort.descending ? 'descending' : 'ascending') : undefined;
              return (
                <th scope="col" key={column.id} class={column.className} aria-sort={ariaSort}>
                  {column.sortValue === undefined ? (
                    column.header
                  ) : (
                    <button
                      type="button"
                      class="sort-button"
                      onClick={() => setSort(active ? { column: column.id, descending: !sort.descending } : { column: column.id, descending: false })}
                    >
                      {column.header}
                      <span aria-hidden="true">{active ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {visible.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td key={column.id} class={column.className} data-label={column.header}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {sorted.length > shown && (
        <p class="table-more">
          Showing {shown} of {sorted.length}.{' '}
          <button type="button" class="link-button" onClick={() => setShown(shown + pageSize)}>
            Show {Math.min(pageSize, sorted.length - shown)} more
          </button>
        </p>
      )}
    </div>
  );
}
