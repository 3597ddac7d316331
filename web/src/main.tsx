import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { resources } from './app/i18n-resources';
import { initI18n } from './lib/i18n/i18n';
import { applyTheme, savedTheme } from './lib/theme';
import './styles/base.css';

applyTheme(savedTheme());
initI18n(resources());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
