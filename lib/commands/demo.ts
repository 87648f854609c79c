/** `mvlm demo` (what `npm start` runs until the compare experiment lands): a tour of the losses. */
import { initBackend } from '../backend';

export async function demoCommand(_args: string[]): Promise<number> {
  const info = await initBackend();
  console.log(`mvlm demo on ${info.backend}: losses land with the foundation issue.`);
  return 0;
}
