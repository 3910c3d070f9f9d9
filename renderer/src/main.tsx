import { render } from 'preact';
import { createApi } from './api/index.js';
import { App } from './app.js';
import './styles.css';

const api = createApi();
render(<App api={api} />, document.getElementById('app')!);
// Tell the host we are listening: events it queued (an early scanner event) arrive now.
api.ready();
