package app.samtal.android.ui

import android.view.View
import app.samtal.android.AppGraph

/**
 * One screen: builds its views from the process's state and starts or stops what it
 * follows (listeners, timers) when shown or hidden.
 */
abstract class Screen(protected val host: MainActivity) {
    protected val graph: AppGraph get() = host.graph
    protected val core get() = graph.core

    /** Screens showing transcript or note text are kept out of screenshots and recents. */
    open val secure: Boolean = false

    abstract fun build(): View

    open fun onShow() {}

    open fun onHide() {}

    /** Handles the back key itself; true when it did. */
    open fun onBack(): Boolean = false

    protected fun s(id: Int, vararg args: Any): String = host.getString(id, *args)

    /** Rebuilds this screen's views from the current state. */
    protected fun refresh() = host.rebuild(this)
}
