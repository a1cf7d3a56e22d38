/**
 * Heavy antd controls for the parts of a screen that are not its content — the filter bar above
 * the figures, tables and charts below them, other tabs, drawers and forms. Same props as antd's
 * (imported the same way: `import { Select } from '../../common/deferred'`), but their code is
 * fetched only once the screen's content is on screen (first-content.ts); until then a plain
 * placeholder of the control's size stands in (without the control's test id, so a test waits for
 * the real control), then the real control replaces it.
 * Used by the ops landing (概览), whose first screen must stay within issue 21's JavaScript budget.
 */
import { useEffect, useState, type ComponentType, type CSSProperties, type ReactNode } from 'react';
// the hooks must exist synchronously; they are small (rc-field-form, antd's form engine, is in
// every screen already; antd's Form.useWatch is rc-field-form's useWatch)
import useForm from 'antd/es/form/hooks/useForm';
import useWatch from 'rc-field-form/es/useWatch';
import type RealDatePicker from 'antd/es/date-picker';
import type RealDrawer from 'antd/es/drawer';
import type RealForm from 'antd/es/form';
import type RealInput from 'antd/es/input';
import type RealInputNumber from 'antd/es/input-number';
import type RealProgress from 'antd/es/progress';
import type RealRadio from 'antd/es/radio';
import type RealSelect from 'antd/es/select';
import type { DataTable as RealDataTable } from './DataTable';
import { whenContentShown } from './first-content';

type Props = Record<string, unknown> & { style?: CSSProperties; size?: string };
type Placeholder = (props: Props) => ReactNode;

/** A module fetched once, after the screen's content is shown; components of it with placeholders. */
export function afterContent<M>(load: () => Promise<M>) {
  let loaded: M | null = null;
  let loading: Promise<M> | null = null;
  const get = () =>
    (loading ??= whenContentShown()
      .then(load)
      .then((m) => (loaded = m)));
  /** `pick` names the component in the module (typed by the caller's cast to the real type). */
  function component(pick: (m: M) => unknown, placeholder: Placeholder = () => null): ComponentType<Props> {
    function Deferred(props: Props) {
      const [ready, setReady] = useState(() => loaded !== null);
      useEffect(() => {
        if (ready) return;
        let live = true;
        // asked from an effect, so whenContentShown sees the loads this commit's effects start
        void get().then(() => live && setReady(true));
        return () => {
          live = false;
        };
      }, [ready]);
      if (!ready) return placeholder(props);
      const Real = pick(loaded as M) as ComponentType<Props>;
      return <Real {...props} />;
    }
    return Deferred;
  }
  return { component, preload: get };
}

/** An inline box the size of a form control. */
function control(defaultWidth: number): Placeholder {
  return (props) => (
    <span
      aria-hidden
      className={props.size === 'small' ? 'deferred-control deferred-control-small' : 'deferred-control'}
      style={{ width: props.style?.width ?? defaultWidth }}
    />
  );
}
const block: Placeholder = (props) => <div aria-hidden className="deferred-block" style={{ marginTop: props.style?.marginTop }} />;

const datePicker = afterContent(() => import('antd/es/date-picker'));
const select = afterContent(() => import('antd/es/select'));
const drawer = afterContent(() => import('antd/es/drawer'));
const form = afterContent(() => import('antd/es/form'));
const input = afterContent(() => import('antd/es/input'));
const inputNumber = afterContent(() => import('antd/es/input-number'));
const progress = afterContent(() => import('antd/es/progress'));
const radio = afterContent(() => import('antd/es/radio'));
const table = afterContent(() => import('./DataTable'));

export const DatePicker = {
  RangePicker: datePicker.component((m) => m.default.RangePicker, control(256)) as unknown as typeof RealDatePicker.RangePicker,
};
export const Select = select.component((m) => m.default, control(160)) as unknown as typeof RealSelect;
export const Drawer = drawer.component((m) => m.default) as unknown as typeof RealDrawer;
export const Form = Object.assign(
  form.component((m) => m.default),
  {
    Item: form.component((m) => m.default.Item),
    List: form.component((m) => m.default.List),
    useForm,
    useWatch,
  },
) as unknown as typeof RealForm;
export const Input = Object.assign(
  input.component((m) => m.default, control(200)),
  { TextArea: input.component((m) => m.default.TextArea, block) },
) as unknown as typeof RealInput;
export const InputNumber = inputNumber.component((m) => m.default, control(90)) as unknown as typeof RealInputNumber;
export const Progress = progress.component((m) => m.default) as unknown as typeof RealProgress;
export const Radio = { Group: radio.component((m) => m.default.Group, control(180)) } as unknown as typeof RealRadio;
export const DataTable = table.component((m) => m.DataTable, block) as unknown as typeof RealDataTable;
