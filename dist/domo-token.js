'use strict';
require('./index.js').tokenCommand();
