export { quote, command } from './quote.ts';
