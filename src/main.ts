// The page's entry: first the limit on where the page may connect, then the offline copy (which may
// bring in a new version first), then global styles and the app.
import { mount } from 'svelte';
import App from './app/App.svelte';
import { i18n } from './i18n/i18n.svelte.js';
import { captureUrl, narrowConnections } from './app/link/capture-url.js';
import { startOffline } from './offline/register.js';
import './app/app.css';

narrowConnections(captureUrl());
if (await startOffline() === 'ready') {
  // The first render in a task of its own: with the modules' evaluation and the page's first layout
  // in the same task, start-up blocked the page for 60-100 ms.
  await new Promise((resolve) => setTimeout(resolve));
  document.documentElement.lang = i18n.lang;
  mount(App, { target: document.getElementById('app')! });
}
