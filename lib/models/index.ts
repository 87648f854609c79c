export * from './config';
export * from './image_tower';
export * from './text_tower';
export * from './fusion';
export * from './modules';
export * from './vlm';
export * from './frozen_text';
