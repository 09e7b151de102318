"""One inbox for every role: notification rows, unread counts, e-mail in the reader's language
with absolute links. Apps register their kinds (registry) and call ``services.notify``; this
package imports no app."""
