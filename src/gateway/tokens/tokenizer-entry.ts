/** Entry of dist/tokenizer.js: the o200k tokenizer, bundled apart so start-up does not load it. */
export { countTokens } from 'gpt-tokenizer';
