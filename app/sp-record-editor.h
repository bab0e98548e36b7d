/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "sp-local-store.h"

G_BEGIN_DECLS

/* The editor of one synced record (a service, an FAQ entry, a challenge):
 * what every such form does the same way, so that the subclasses only
 * describe their fields.
 *
 * - load a row into the form (or defaults for a new one), refresh it after
 *   a sync unless the user is editing, revert;
 * - "dirty" while the form differs from the loaded fields;
 * - save only the fields that changed (the local store queues them for the
 *   next sync) after the subclass validated the form, re-read the stored
 *   row and show it as stored;
 * - a header with the record's title and its state ("Unsaved changes",
 *   "Not saved yet", "Saved on this computer, not yet synced", read-only);
 * - the actions editor.save, editor.revert and editor.delete (asking first,
 *   or deleting at once with Undo in the toast), enabled as they apply;
 * - signals "saved" and "deleted" with the row id.
 *
 * Texts in the class are untranslated msgids (mark them with N_()); the
 * editor translates them when it shows them. */

#define SP_TYPE_RECORD_EDITOR (sp_record_editor_get_type ())
G_DECLARE_DERIVABLE_TYPE (SpRecordEditor, sp_record_editor, SP, RECORD_EDITOR, AdwBin)

struct _SpRecordEditorClass
{
  AdwBinClass parent_class;

  const char *entity;
  const char *title_field;     /* the field the header shows */

  const char *new_title;       /* "New service" */
  const char *untitled;        /* "Untitled service" */
  const char *read_only;       /* state line when not editable */
  const char *saved;           /* toast */
  const char *save_failed;     /* toast, "%s": the error */
  const char *gone;            /* toast on revert of a row deleted meanwhile */
  const char *deleted;         /* toast */
  const char *delete_failed;   /* toast, "%s": the error */
  /* With a heading, Delete asks first: @delete_body ("%s": the title) or
   * @delete_body_untitled. Without, it deletes at once and the toast
   * offers Undo (when @restore_failed is set), which saves the fields
   * again. */
  const char *delete_heading;
  const char *delete_body;
  const char *delete_body_untitled;
  const char *restore_failed;

  /* The form's fields from a stored row, or the defaults of a new record
   * (@row NULL); new object. */
  JsonObject *(*normalize)      (SpRecordEditor *self,
                                 JsonObject     *row);
  /* The fields as the form shows them now, same shape; new object. */
  JsonObject *(*collect)        (SpRecordEditor *self);
  /* Shows @fields in the form; edits it makes do not count as the user's. */
  void        (*fill)           (SpRecordEditor *self,
                                 JsonObject     *fields);
  /* Checks the form, showing errors (and focusing the first with @focus). */
  gboolean    (*validate)       (SpRecordEditor *self,
                                 gboolean        focus);
  void        (*focus_first)    (SpRecordEditor *self);

  /* Optional. After a user edit (@now: the collected fields), e.g. to
   * clear errors that are fixed. */
  void        (*edited)         (SpRecordEditor *self,
                                 JsonObject     *now);
  /* Optional. Before validating a save (e.g. take what is typed but not
   * added yet). */
  void        (*prepare_save)   (SpRecordEditor *self);
  /* Optional. @changes of a record saved for the first time. */
  void        (*complete_new)   (SpRecordEditor *self,
                                 JsonObject     *changes);
  /* Optional. Editing allowed or not: make the widgets read-only. */
  void        (*apply_editable) (SpRecordEditor *self,
                                 gboolean        editable);
  /* Optional. The store was set (or replaced: @old, may be NULL). */
  void        (*store_set)      (SpRecordEditor *self,
                                 SpLocalStore   *old,
                                 SpLocalStore   *store);
  /* Optional. After the header and the actions were updated. */
  void        (*state_changed)  (SpRecordEditor *self);
};

/* Subclasses call this in their init after gtk_widget_init_template(): the
 * widgets the editor manages, then shows the defaults of a new record. */
void          sp_record_editor_setup          (SpRecordEditor    *self,
                                               GtkScrolledWindow *scroller,
                                               GtkLabel          *title_label,
                                               GtkLabel          *state_label);
/* Subclasses call this when the user changed a field. */
void          sp_record_editor_changed        (SpRecordEditor    *self);

SpLocalStore *sp_record_editor_get_store      (SpRecordEditor    *self);
void          sp_record_editor_set_store      (SpRecordEditor    *self,
                                               SpLocalStore      *store);
/* FALSE when @id is missing or deleted: the form then shows a new record. */
gboolean      sp_record_editor_load           (SpRecordEditor    *self,
                                               const char        *id);
/* Shows the stored row again unless the user is editing it; FALSE when it
 * is gone. */
gboolean      sp_record_editor_refresh        (SpRecordEditor    *self);
gboolean      sp_record_editor_validate       (SpRecordEditor    *self,
                                               gboolean           focus);
gboolean      sp_record_editor_save           (SpRecordEditor    *self);
void          sp_record_editor_revert         (SpRecordEditor    *self);
void          sp_record_editor_focus_first    (SpRecordEditor    *self);
/* NULL: a new record not saved yet. */
const char   *sp_record_editor_get_row_id     (SpRecordEditor    *self);
gboolean      sp_record_editor_get_dirty      (SpRecordEditor    *self);
/* The fields as last loaded (normalized). */
JsonObject   *sp_record_editor_get_loaded     (SpRecordEditor    *self);
gboolean      sp_record_editor_get_editable   (SpRecordEditor    *self);
void          sp_record_editor_set_editable   (SpRecordEditor    *self,
                                               gboolean           editable);
/* TRUE while fill() runs. */
gboolean      sp_record_editor_is_filling     (SpRecordEditor    *self);

G_END_DECLS
