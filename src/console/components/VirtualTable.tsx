/**
 * A virtualised table: only the rows in view are in the DOM, so 100,000 rows scroll as smoothly
 * as ten. Every row has the same height, so the rows in view follow from the scroll position
 * alone: nothing is kept per row (no measurements), and a scroll renders only when the first row
 * in view changes. The rows come by index (`rowAt`) from a keyset list that may hold only the pages
 * near the view: a row not held yet shows a placeholder of the same height, so the height and the
 * scroll position never move. `onRange` says which rows are in view (the list reads what they
 * need, and the next page near the end). The table is its own component so that scrolling
 * re-renders only the rows, never the page around.
 */
import {
  Fragment,
  memo,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type CSSProperties,
  type ReactNode,
} from 'react';
import { flushSync } from 'react-dom';

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
  /** How many rows the table has (held or not). */
  readonly count: number;
  /** The row at an index: undefined while it is being read, null when it left the list. */
  readonly rowAt: (index: number) => T | null | undefined;
  /** True when a row is missing because it could not be read (the page shows the problem). */
  readonly failedAt?: (index: number) => boolean;
  readonly columns: readonly string[];
  /** The table's accessible name. */
  readonly label: string;
  readonly testId: string;
  readonly rowHeight: number;
  /** CSS grid columns of the header row (rows take theirs through `rowStyle`); default the stylesheet's (the log's). */
  readonly columnTemplate?: string;
  /** The rows rendered changed: [first, end). */
  readonly onRange?: (first: number, end: number) => void;
  readonly renderRow: (row: T, place: RowPlace) => ReactNode;
}

/**
 * Rows rendered beyond the edge of the view the table scrolls towards, so a scroll the compositor
 * runs ahead of the page never shows an empty band; fewer behind, where rows only leave. None while
 * each scroll moves the view by more than a screen (a sweep): the next frame shows none of them,
 * and every row rendered is a row's layout more in that frame.
 */
const OVERSCAN = 8;
const OVERSCAN_BEHIND = 3;
/** Rows assumed in view before the scroller is measured. */
const FIRST_GUESS = 30;

function VirtualTableOf<T>({
  count,
  rowAt,
  failedAt,
  columns,
  label,
  testId,
  rowHeight,
  columnTemplate,
  onRange,
  renderRow,
}: VirtualTableProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  /**
   * The first row at the top of the view, which way the view last moved (1 down, -1 up), and
   * whether that move was over a screen.
   */
  const [{ top, heading, sweeping }, setView] = useState({ top: 0, heading: 1, sweeping: false });
  /** How many rows the view fits. */
  const [fits, setFits] = useState(FIRST_GUESS);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setFits(Math.ceil(el.clientHeight / rowHeight) + 1);
    // Rendered within the scroll event, so the new rows are drawn in the frame that scrolled.
    const onScroll = () => {
      const next = Math.floor(el.scrollTop / rowHeight);
      const screen = Math.ceil(el.clientHeight / rowHeight);
      flushSync(() =>
        setView((view) =>
          view.top === next
            ? view
            : {
                top: next,
                heading: next > view.top ? 1 : -1,
                sweeping: Math.abs(next - view.top) > screen,
              },
        ),
      );
    };
    measure();
    setView((view) => ({ ...view, top: Math.floor(el.scrollTop / rowHeight) }));
    const resized = new ResizeObserver(measure);
    resized.observe(el);
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      resized.disconnect();
      el.removeEventListener('scroll', onScroll);
    };
  }, [rowHeight]);
  const ahead = sweeping ? 0 : OVERSCAN;
  const behind = sweeping ? 0 : OVERSCAN_BEHIND;
  const first = Math.min(Math.max(0, top - (heading < 0 ? ahead : behind)), count);
  const end = Math.min(count, top + fits + (heading > 0 ? ahead : behind));
  useEffect(() => {
    onRange?.(first, end);
  }, [first, end, onRange]);

  // Each row element is keyed by its slot (the index modulo the rows rendered), not by its entry:
  // a row scrolled out hands its elements to the row scrolled in, so a fast sweep updates the
  // text of a screenful of rows instead of creating and discarding their elements every frame.
  const slots = fits + OVERSCAN + OVERSCAN_BEHIND;
  const rows: ReactNode[] = [];
  for (let index = first; index < end; index++) {
    const row = rowAt(index);
    const place = { rowIndex: index + 2, start: index * rowHeight };
    const slot = index % slots;
    if (row === undefined || row === null) {
      const text = row === null ? 'No longer listed' : failedAt?.(index) ? 'Could not be read' : 'Loading…';
      rows.push(
        <MissingRow
          key={`missing-${slot}`}
          rowIndex={place.rowIndex}
          start={place.start}
          height={rowHeight}
          columnTemplate={columnTemplate}
          text={text}
        />,
      );
    } else {
      rows.push(<Fragment key={slot}>{renderRow(row, place)}</Fragment>);
    }
  }
  const grid = columnTemplate !== undefined ? { gridTemplateColumns: columnTemplate } : {};
  return (
    // One element is both the table and its scroll container, so every row is the table's own
    // descendant through row groups only (no unlabelled wrapper between them).
    <div
      className="vtable vscroll"
      ref={scroller}
      role="table"
      aria-label={label}
      aria-rowcount={count + 1}
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
      <div role="rowgroup" className="vbody" style={{ height: count * rowHeight, position: 'relative' }}>
        {rows}
      </div>
    </div>
  );
}

/** A row whose page is not held: its place, with what it waits for. */
const MissingRow = memo(function MissingRow({
  rowIndex,
  start,
  height,
  columnTemplate,
  text,
}: {
  rowIndex: number;
  start: number;
  height: number;
  columnTemplate: string | undefined;
  text: string;
}) {
  return (
    <div
      role="row"
      aria-rowindex={rowIndex}
      className="vrow vrow-static vrow-missing"
      style={rowStyle(start, height, columnTemplate)}
    >
      <span role="cell">{text}</span>
    </div>
  );
});

export const VirtualTable = memo(VirtualTableOf) as typeof VirtualTableOf;
