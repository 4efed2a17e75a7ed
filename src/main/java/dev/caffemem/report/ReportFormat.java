package dev.caffemem.report;

/** How a report is rendered. Results know nothing of formats; each format is one renderer. */
public enum ReportFormat {
    TEXT, JSON, CSV, MARKDOWN
}
