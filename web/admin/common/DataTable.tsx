/**
 * The only way ops pages draw a table. antd's Table reads some row fields itself: `children` is
 * taken as nested tree rows, so a domain row with a `children` count (a class roster's household
 * of 2 adults + 1 child) crashed the whole page ("(t || []).forEach is not a function"). This
 * wrapper points antd's tree-data field at a name no contract uses and cannot be overridden, so a
 * domain field can never be mistaken for table structure. tests/web checks that no page imports
 * antd's Table directly.
 */
import { Table, type TableProps } from 'antd';

/** The row field antd would read as nested rows; no API contract may use this name. */
export const NESTED_ROWS_FIELD = '__nestedRows';

export function DataTable<T extends object>(props: TableProps<T>) {
  const { expandable, ...rest } = props;
  return <Table<T> {...rest} expandable={{ ...expandable, childrenColumnName: NESTED_ROWS_FIELD }} />;
}
