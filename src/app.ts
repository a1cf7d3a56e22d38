import { type PropsWithChildren } from 'react';
import { useLaunch } from '@tarojs/taro';
import { registerPrivacyHandler } from './api/privacy';
import './app.css';

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    registerPrivacyHandler();
  });
  // children are the pages Taro renders.
  return children;
}

export default App;
