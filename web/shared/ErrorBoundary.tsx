/**
 * Catches a render error in one screen or panel: shows a Chinese message with a retry instead of
 * React's blank page (or the router's English stack trace), and reports the error to the server
 * log. Plain React + classNames so both pages use it (the sidebar ships no antd).
 */
import { Component, type ReactNode } from 'react';
import { reportClientError } from './report';

interface Props {
  surface: 'admin' | 'sidebar';
  /** Which screen or panel this guards (reported with the error). */
  area: string;
  children: ReactNode;
  /** Shorter text for a small panel. */
  compact?: boolean;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error): void {
    reportClientError(this.props.surface, this.props.area, error);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className={`error-boundary${this.props.compact ? ' error-boundary-compact' : ''}`} role="alert" data-testid="error-boundary">
        <p className="error-boundary-title">{this.props.compact ? '这一栏暂时无法显示' : '页面出了点问题，暂时无法显示'}</p>
        <p className="error-boundary-text">问题已自动报告给技术人员。可以点「重试」再试一次，或刷新页面。</p>
        <button type="button" className="error-boundary-retry" data-testid="error-boundary-retry" onClick={() => this.setState({ error: null })}>
          重试
        </button>
      </div>
    );
  }
}
