export * from './genai-span';
