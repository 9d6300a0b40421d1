// Public API of the volume baselines and spike detection (pure, shared by server and client).
export {
  MAD_TO_SIGMA,
  computeBaseline,
  detect,
  initialDetectorState,
  runSeries,
  spikeMask,
  type Baseline,
  type BucketResult,
  type CurrentBucket,
  type DetectResult,
  type DetectorCore,
  type DetectorState,
  type SeriesRun,
} from "./detector.ts";
export {
  DEFAULT_DETECTOR_PARAMS,
  DETECTOR_PARAM_DOCS,
  TYPICAL_CHARGE_YEN,
  defaultParamsForMetric,
  describeDetectorParams,
  detectorParamsSchema,
  resolveDetectorParams,
  type DetectorParamInfo,
  type DetectorParamKey,
  type DetectorParams,
} from "./params.ts";
export {
  BUCKET_MINUTES_CHOICES,
  JST_OFFSET_MS,
  bucketStart,
  bucketStartMs,
  chooseBucketMinutes,
  slotOfDayJst,
  slotOfWeekJst,
} from "./time.ts";
export {
  VOLUME_METRICS,
  type BaselineKind,
  type DetectorKind,
  type Spike,
  type SpikeEvent,
  type VolumeMetric,
  type VolumeSeries,
} from "./types.ts";
