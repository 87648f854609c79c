/**
 * Evaluators over embeddings and model outputs (plain tensors / arrays in, numbers out):
 * zero-shot, retrieval, linear probe, reconstruction, compositional probe, diagnostics,
 * and the registry that runs whichever apply to an `EvalContext`.
 */
export type { DenseInput, IntInput } from './inputs';
export { PROMPT_TEMPLATES, fillTemplate, buildPrompts } from './templates';
export type { TemplateKind } from './templates';
export { zeroShot } from './zero_shot';
export type { ZeroShotInput, ZeroShotResult, TextEncoderFn } from './zero_shot';
export { retrieval } from './retrieval';
export type { RetrievalInput, RetrievalResult, DirectionResult } from './retrieval';
export { linearProbe } from './linear_probe';
export type { LinearProbeInput, LinearProbeResult } from './linear_probe';
export { pixelReconstruction, combinePixelStats, psnrFromMse, tokenAccuracy, combineTokenStats } from './reconstruction';
export type { PixelReconstructionInput, PixelStats, TokenAccuracyInput, TokenStats } from './reconstruction';
export { compositionalProbe, compositionalScores, SWAP_KINDS } from './compositional';
export type { PairScore, CompositionalResult, CompositionalEmbeddingsInput } from './compositional';
export { diagnostics, uniformity } from './diagnostics';
export type { DiagnosticsInput, DiagnosticsResult } from './diagnostics';
export { symmetricEigenvalues, singularValues, effectiveRankOf } from './eigen';
export {
  runEvaluators, DEFAULT_EVALUATORS, zeroShotEvaluator, retrievalEvaluator, linearProbeEvaluator,
  reconstructionEvaluator, compositionalEvaluator, diagnosticsEvaluator,
} from './registry';
export type { Evaluator, EvalContext, RunEvaluatorsOptions } from './registry';
export { meanSample } from './sample';
export type { MetricSample, MetricSamples } from './sample';
