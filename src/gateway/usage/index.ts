/** Usage accounting: the persistent usage store, its totals and local-day helpers. */
export { ANONYMOUS_KEY, UsageStore, type KeyUsage, type UsageStoreOptions, type UsageSummary } from './usage-store';
export { costOf, emptyTotals, pricesFromConfig, type ModelPrices, type PriceLookup, type UsageTotals } from './totals';
export { localDay, nextLocalMidnight } from './local-day';
