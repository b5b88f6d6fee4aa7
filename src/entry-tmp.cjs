require('./index.ts');
