/** The router's last line of defence (errors outside a screen's own boundary): Chinese, with a retry, reported. */
import { useEffect } from 'react';
import { Button, Result } from 'antd';
import { useLocation, useRouteError } from 'react-router-dom';
import { reportClientError } from '../../shared/report';

export function RouteError() {
  const error = useRouteError();
  const location = useLocation();
  useEffect(() => reportClientError('admin', `route:${location.pathname}`, error), [error, location.pathname]);
  return (
    <Result
      status="error"
      title="页面出了点问题，暂时无法显示"
      subTitle="问题已自动报告给技术人员。可以点「重试」再试一次。"
      extra={
        <Button type="primary" data-testid="error-boundary-retry" onClick={() => location && window.location.reload()}>
          重试
        </Button>
      }
    />
  );
}
