#!/usr/bin/env node
import '../build/node/cli/main.js';
