/* SPDX-License-Identifier: EUPL-1.2 */
#pragma once

#include <adwaita.h>

#include "sp-local-store.h"
#include "sp-record-editor.h"
#include "sp-row.h"
#include "sp-row-list-model.h"

G_BEGIN_DECLS

/* The list-and-editor behaviour the record pages (services, FAQ) share: a
 * GtkListView over an SQLite-backed SpRowListModel (split replacements,
 * optionally filtered) kept in step with the editor next to it.
 *
 * Unsaved changes are never lost silently: switching to another row (or
 * away from the page) saves them when they are valid, as the HIG suggests;
 * invalid edits open a dialog that offers to keep editing or discard.
 *
 * The editor is an SpRecordEditor or is reached through @funcs; the page
 * owns the list view, the editor stack (children "none" and "editor") and
 * the editor. */

typedef struct
{
  /* The editor; all NULL when it is an SpRecordEditor. */
  gboolean    (*load)         (gpointer     editor,
                               const char  *id);
  gboolean    (*refresh)      (gpointer     editor);
  gboolean    (*save)         (gpointer     editor);
  gboolean    (*validate)     (gpointer     editor,
                               gboolean     focus);
  gboolean    (*get_dirty)    (gpointer     editor);
  const char *(*get_row_id)   (gpointer     editor);
  void        (*focus_first)  (gpointer     editor);

  /* The page. */
  void        (*bind_row)     (gpointer     page,
                               GtkListItem *item,
                               SpRow       *row);
  void        (*update_empty) (gpointer     page);
  /* Optional: after the editor showed @id; @flags from the switch. */
  void        (*opened)       (gpointer     page,
                               const char  *id,
                               guint        flags);
  /* Optional: the row already in the editor was chosen again. */
  void        (*reselected)   (gpointer     page);

  const char *gone_message;    /* toast when the chosen row was deleted */
  const char *invalid_message; /* body of the discard dialog */
} SpRecordListFuncs;

/* Editor functions with their own instance type as SpRecordListFuncs members. */
#define SP_RECORD_FUNC(f) ((gpointer) (f))

#define SP_TYPE_RECORD_LIST (sp_record_list_get_type ())
G_DECLARE_FINAL_TYPE (SpRecordList, sp_record_list, SP, RECORD_LIST, GObject)

/* With @filterable the list passes through a GtkFilterListModel (see
 * sp_record_list_set_filter()). Connects to @store for rows of @entity. */
SpRecordList   *sp_record_list_new               (GtkWidget               *page,
                                                  const SpRecordListFuncs *funcs,
                                                  SpLocalStore            *store,
                                                  const char              *entity,
                                                  const char              *sort_field,
                                                  gboolean                 filterable,
                                                  GtkListView             *list_view,
                                                  GtkStack                *editor_stack,
                                                  gpointer                 editor);
/* Detaches from the list view and the store (page dispose). */
void            sp_record_list_detach            (SpRecordList            *self);

SpRowListModel *sp_record_list_get_model         (SpRecordList            *self);
/* The rows shown (after the filter). */
GListModel     *sp_record_list_get_shown         (SpRecordList            *self);
gboolean        sp_record_list_editor_is_open    (SpRecordList            *self);

/* Selects the row the editor shows, if the (filtered) list has it. */
void            sp_record_list_sync_selection    (SpRecordList            *self);
/* Opens @id (NULL: a new record) without asking. */
void            sp_record_list_open              (SpRecordList            *self,
                                                  const char              *id,
                                                  guint                    flags);
/* Leaves the current record for @id (NULL: a new one), guarding unsaved
 * changes; @flags reach SpRecordListFuncs.opened. */
void            sp_record_list_switch_to         (SpRecordList            *self,
                                                  const char              *id,
                                                  guint                    flags);
/* @id chosen in the list: the editor's row again, or a switch. */
void            sp_record_list_choose            (SpRecordList            *self,
                                                  const char              *id);
/* Enter in the search entry: the first shown row. */
void            sp_record_list_open_first        (SpRecordList            *self);
/* A new record; an empty new one already open only gets the focus. */
void            sp_record_list_new_record        (SpRecordList            *self);
void            sp_record_list_save              (SpRecordList            *self);
/* Saves dirty, valid edits (leaving the page). */
void            sp_record_list_save_valid        (SpRecordList            *self);
/* The editor's row was deleted: nothing open, nothing selected. */
void            sp_record_list_close             (SpRecordList            *self);

/* NULL: all rows pass (no row is read that is not shown). */
void            sp_record_list_set_filter        (SpRecordList            *self,
                                                  GtkFilter               *filter);

/* Shows the list, or @empty_page in @list_stack: "No Results" with
 * @no_results_description while searching or filtering, else @icon_name,
 * @title and @description. */
void            sp_record_list_update_empty_state (SpRecordList           *self,
                                                   GtkStack               *list_stack,
                                                   AdwStatusPage          *empty_page,
                                                   const char             *no_results_description,
                                                   const char             *icon_name,
                                                   const char             *title,
                                                   const char             *description);

/* Window-wide shortcuts on @widget: pairs of trigger and action name,
 * NULL-terminated. Disable the actions while the page is not shown. */
void            sp_add_global_shortcuts          (GtkWidget               *widget,
                                                  const char              *first_trigger,
                                                  ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
