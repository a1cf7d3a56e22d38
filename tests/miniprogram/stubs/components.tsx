/**
 * Stand-ins for @tarojs/components: plain DOM elements that keep className, data-* and the
 * tap handler, and drop mini-program-only props (openType, loading, onAgreePrivacyAuthorization…).
 */
import type { ReactNode } from 'react';

type Props = { children?: ReactNode; className?: string; onClick?: (e: unknown) => void; [key: string]: unknown };

function domProps(props: Props) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key === 'children' || key === 'className' || key === 'onClick' || key === 'id' || key.startsWith('data-')) out[key] = value;
  }
  return out;
}

export function View(props: Props) {
  return <div {...domProps(props)}>{props.children}</div>;
}
export function Text(props: Props) {
  return <span {...domProps(props)}>{props.children}</span>;
}
export function ScrollView(props: Props) {
  return <div {...domProps(props)}>{props.children}</div>;
}
export function Image(props: Props & { src?: string }) {
  return <img {...domProps(props)} src={props.src} alt="" />;
}
export function Button(props: Props & { disabled?: boolean; openType?: string; loading?: boolean }) {
  return (
    <button type="button" {...domProps(props)} disabled={!!props.disabled} data-open-type={props.openType} data-loading={props.loading ? 'true' : undefined}>
      {props.children}
    </button>
  );
}
