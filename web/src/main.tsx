import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { currentLanguage, loadInterfaceTexts } from './i18n.js';
import { App } from './App.js';
import { startOffline } from './offline.js';
// The styles in the order of the one file they were cut from (the cascade depends on it).
import './styles.css';
import './geo/geography.css';
import './components/tables.css';
import './plans/plans.css';
import './responsive.css';
import './access/access.css';
import './displacement/displacement.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

const render = (): void => {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
  // After the first render: the service worker must never delay the page.
  void startOffline();
};

// The first render is in the user's language; should its texts fail to load (a build replaced
// under an old tab, say), the page still renders rather than stay blank.
loadInterfaceTexts(currentLanguage()).then(render, render);
