// The page's entry: global styles, then the app.
import { mount } from 'svelte';
import App from './app/App.svelte';
import { i18n } from './i18n/i18n.svelte.js';
import './app/app.css';

document.documentElement.lang = i18n.lang;
mount(App, { target: document.getElementById('app')! });
