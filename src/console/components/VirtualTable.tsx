/**
 * A virtualised table: only the rows in view are in the DOM, so 100,000 rows scroll as smoothly
 * as ten. `onNearEnd` is called as the last rows come into view, for the next keyset page. The
 * table is its own component so that scrolling re-renders only the rows, never the page around.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { Fragment, memo, useEffect, useRef, type CSSProperties, type ReactNode } from 'react';

/**
 * Where a row sits, as plain numbers so a memoised row re-renders only when it moves: its
 * element takes `aria-rowindex={rowIndex}` and `style={rowStyle(...)}`.
 */
export interface RowPlace {
  /** `aria-rowindex` (the header row is 1). */
  readonly rowIndex: number;
  /** Its offset from the top of the body, in pixels. */
  readonly start: number;
}

/** The style of a row element at `start`: positioned in the body, of the table's row height. */
export function rowStyle(start: number, height: number, columnTemplate?: string): CSSProperties {
  return {
    transform: `translateY(${start}px)`,
    height,
    ...(columnTemplate !== undefined ? { gridTemplateColumns: columnTemplate } : {}),
  };
}

export interface VirtualTableProps<T> {
  readonly rows: readonly T[];
  readonly columns: readonly string[];
  /** The table's accessible name. */
  readonly label: string;
  readonly testId: string;
  readonly rowHeight: number;
  /** CSS grid columns of the header row (rows take theirs through `rowStyle`); default the stylesheet's (the log's). */
  readonly columnTemplate?: string;
  readonly onNearEnd?: () => void;
  readonly rowKey: (row: T, index: number) => string | number;
  readonly renderRow: (row: T, place: RowPlace) => ReactNode;
}

/** How close to the end of the loaded rows the next page is asked for. */
const NEAR_END = 50;

function VirtualTableOf<T>({
  rows,
  columns,
  label,
  testId,
  rowHeight,
  columnTemplate,
  onNearEnd,
  rowKey,
  renderRow,
}: VirtualTableProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 8,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (onNearEnd && lastIndex >= rows.length - NEAR_END) onNearEnd();
  }, [lastIndex, rows.length, onNearEnd]);
  const grid = columnTemplate !== undefined ? { gridTemplateColumns: columnTemplate } : {};
  return (
    // One element is both the table and its scroll container, so every row is the table's own
    // descendant through row groups only (no unlabelled wrapper between them).
    <div
      className="vtable vscroll"
      ref={scroller}
      role="table"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      data-testid={testId}
      tabIndex={0}
    >
      <div role="rowgroup" className="vhead-group">
        <div className="vrow vhead" role="row" aria-rowindex={1} style={grid}>
          {columns.map((h) => (
            <span role="columnheader" key={h}>
              {h}
            </span>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="vbody" style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const row = rows[item.index]!;
          return (
            <Fragment key={rowKey(row, item.index)}>
              {renderRow(row, { rowIndex: item.index + 2, start: item.start })}
            </Fragment>
          );
        })}
      </div>
    </div>
  );
}

export const VirtualTable = memo(VirtualTableOf) as typeof VirtualTableOf;
