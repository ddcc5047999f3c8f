// The worker's entry: the analyzer, exposed to the page over Comlink.
import { expose } from 'comlink';
import { Analyzer } from './analyzer.js';

expose(new Analyzer());
