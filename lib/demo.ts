/** `npm start` until the compare experiment lands: a short tour of the loss library. */
import { initBackend } from './backend';

export async function runDemo(): Promise<void> {
  const info = await initBackend();
  console.log(`mvlm demo on ${info.backend}: losses land with the foundation issue.`);
}
